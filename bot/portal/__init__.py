"""The portal service: the catalogue JSON API, the demo government site and the chat widget."""
