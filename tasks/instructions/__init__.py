"""批示 and their replies."""
