"""Device services: the only code that writes the devices app's models (one module per sub-domain)."""
