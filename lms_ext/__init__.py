"""microVET modules: an LTI 1.3 tool for hybrid VET micro-modules."""

__version__ = '0.1.0'
