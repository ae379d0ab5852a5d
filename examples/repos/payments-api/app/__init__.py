"""payments-api: Authorises, captures and refunds card payments through the card processor."""

__version__ = "0.1.0"
