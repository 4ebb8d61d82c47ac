"""jixiao's version, on the ground floor so that any module can name it without importing the package's public names."""

__version__ = "0.2.0"
