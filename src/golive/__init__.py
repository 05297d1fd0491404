"""golive: a terminal wizard for the production go-live of a ONESOURCE integration."""

__version__ = "0.1.0"
