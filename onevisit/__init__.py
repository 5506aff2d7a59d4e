"""onevisit: the institutional function system and "maximum one visit" service delivery."""
