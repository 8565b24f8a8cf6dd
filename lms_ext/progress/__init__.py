"""What a learner has done in a module version; decides completion."""
