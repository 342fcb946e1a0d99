"""Offline event generation: Pythia 8 processes, FastJet clustering, a parametric detector
and the UCI-layout features computed from the reconstructed objects."""
