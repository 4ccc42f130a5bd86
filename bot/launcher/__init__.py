"""Start, watch and stop the product's processes (the embedded default of `make run`)."""
