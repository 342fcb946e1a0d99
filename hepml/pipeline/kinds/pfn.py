"""The ``pfn`` model kind: the Particle Flow Network of :mod:`hepml.jets.pfn` trained, saved and
exported like every network. Config (``jets.pfn``): ``phi`` and ``f`` layer widths, ``dropout``
(in F), ``device``. PyTorch is imported when a network is built, not with the registry.
"""

from __future__ import annotations

from .network import NetworkKind
from .registry import register


class PfnKind(NetworkKind):
    name = "pfn"
    predict_batch = 4096   # jets x particles x latent activations stay within a few hundred MB

    def build(self, spec, x):
        from ...jets.pfn import ParticleFlowNetwork, particle_statistics

        cfg = spec.config
        return ParticleFlowNetwork(x.shape[-1], *particle_statistics(x), cfg["phi"], cfg["f"], cfg["dropout"])

    def placeholder(self, shape):
        return super().placeholder((1, *shape))      # two jets of one particle (the statistics are per feature)


register(PfnKind())
