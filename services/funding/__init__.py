"""The funding service: the grant, its allocations, the co-funding split and the tranches."""
