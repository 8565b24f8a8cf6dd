"""Infrastructure shared by every domain package; imports no other lms_ext package."""
