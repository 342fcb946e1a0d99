"""Parameterized networks (Baldi, Cranmer, Faucett, Sadowski, Whiteson, EPJC 76 (2016) 235): one
network with the signal mass as an input, against dedicated networks at each mass point."""
