"""The monitoring app in the admin, one module per subdomain. Importing the modules registers them."""
