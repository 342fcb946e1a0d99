"""Quark/gluon jets: generation, storage, jet images, observables and taggers."""
