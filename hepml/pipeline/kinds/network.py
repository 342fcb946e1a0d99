"""PyTorch networks: the dense network (``mlp``) and the jet-image CNN (``cnn``).

A network standardises its inputs with training statistics inside the model, so a saved model
takes raw inputs; it is saved as a torch archive of its spec, input names and weights, trained
alone or with the other seeds of its cell as one vectorised ensemble (``hepml.core.ensemble``),
and exported to ONNX. A new network kind subclasses :class:`NetworkKind` with its ``build``.
"""

from __future__ import annotations

from dataclasses import asdict

import numpy as np

from ...core.atomic import atomic_output
from ...core.config import resident_bytes
from .registry import LoadedModel, ModelKind, ModelSpec, register


class NetworkKind(ModelKind):
    is_network = True
    predict_batch = 65536

    def build(self, spec: ModelSpec, x: np.ndarray):
        """The untrained network of ``spec`` for inputs like ``x``, standardised with their statistics."""
        raise NotImplementedError

    def can_train_together(self, spec, datas):
        """Networks without dropout (a vectorised dropout draws other masks) on the same inputs and
        labels with the binary cross-entropy (not the per-seed mixtures of weak supervision): each
        ensemble member is then the network its seed trains alone."""
        return (not spec.config["dropout"] and len(datas) > 1 and all(d.loss == "bce" for d in datas)
                and all(d.x is datas[0].x and d.y is datas[0].y for d in datas))

    def train(self, spec, data, seed, threads=1, progress=True, resident_gb=None, cuda_graph=False):
        from ...core.device import seed_everything, torch_device
        from ...core.training import Recipe, chunk_rows, fit, resident
        from ...weak.methods import llp_loss, one_mixture_batches, per_mixture_llp_loss

        seed_everything(seed, threads)
        dev = torch_device(spec.config["device"])
        recipe = Recipe.from_dict(spec.recipe)
        model = self.build(spec, data.x).to(dev)
        t = _tensor(dev)
        limit = resident_bytes(resident_gb)
        extra = {"chunk": chunk_rows(data.x, limit)}
        if data.loss == "llp":
            extra = {"loss_fn": llp_loss, "val_loss_fn": per_mixture_llp_loss(data.val_mixture, dev),
                     "batches": one_mixture_batches(data.mixture, recipe.batch_size, dev)}
        history = fit(model, resident(data.x, dev, limit), t(data.y), resident(data.x_val, dev, limit), t(data.y_val),
                      recipe, seed=seed, val_labels=data.val_truth, progress=progress, desc=f"{spec.kind} seed {seed}",
                      cuda_graph=cuda_graph, **extra)
        return model.cpu().eval(), _history(history, dev)

    def train_ensemble(self, spec, data, seeds, threads=1, progress=True, cuda_graph=False):
        from ...core.device import seed_everything, torch_device
        from ...core.ensemble import fit_ensemble
        from ...core.training import Recipe

        seed_everything(seeds[0], threads)
        dev = torch_device(spec.config["device"])
        t = _tensor(dev)
        trained = fit_ensemble(lambda: self.build(spec, data.x), seeds, t(data.x), t(data.y), t(data.x_val),
                               t(data.y_val), Recipe.from_dict(spec.recipe), val_truth=data.val_truth, threads=threads,
                               progress=progress, desc=f"{spec.kind} x{len(seeds)}",
                               predict_batch=self.predict_batch, cuda_graph=cuda_graph)
        return [(model.cpu().eval(), _history(h, dev, len(seeds))) for model, h in trained]

    def save(self, spec, model, inputs, path):
        import torch

        with atomic_output(path) as tmp:
            torch.save({"spec": asdict(spec), "inputs": inputs, "state_dict": model.state_dict()}, tmp)

    def load(self, path, blob):
        spec = ModelSpec(**blob["spec"])
        state = blob["state_dict"]
        model = self.build(spec, self.placeholder(tuple(state["standardize.mean"].shape)))
        model.load_state_dict(state)
        model.eval()
        return LoadedModel(self.name, blob["inputs"], lambda x: self.predict(model, x, spec))

    @staticmethod
    def placeholder(shape: tuple) -> np.ndarray:
        """Two inputs of one event's ``shape`` with a non-zero spread: enough to build the network
        whose standardisation the saved weights then overwrite."""
        x = np.zeros((2, *shape), dtype=np.float32)
        x[1] += 1
        return x

    def predict(self, model, x: np.ndarray, spec: ModelSpec) -> np.ndarray:
        """Signal probability of each input, on the spec's device, in large batches."""
        import torch

        from ...core.device import torch_device
        from ...core.training import predict_logits

        dev = torch_device(spec.config["device"])
        logits = predict_logits(model.to(dev), x, self.predict_batch)   # numpy in: one batch on the device at a time
        # in float64: a float32 sigmoid saturates at 1 for logits above ~17 and would make ties
        return torch.sigmoid(logits.double()).cpu().numpy()

    def export(self, model, example, inputs, path, description):
        from ...core.onnx_export import export_onnx

        export_onnx(model, example, inputs, path, description)


def _tensor(dev):
    """Arrays to float32 tensors on ``dev``."""
    import torch

    return lambda a: torch.as_tensor(np.asarray(a), dtype=torch.float32, device=dev)


def _history(h, dev, members: int | None = None) -> dict:
    """What a network's history file records of its training (``ensemble``: the members it trained with)."""
    from ...core.device import kernels

    out = {"epochs": h.epochs, "best_epoch": h.best_epoch, "device": str(dev), "kernels": kernels(dev)}
    return out if members is None else {**out, "ensemble": members}


class MlpKind(NetworkKind):
    """A dense network (``layers``, ``width``, ``activation``, ``dropout``) with a training recipe.
    The cells of several feature sets of one sample train as one stack (``train_stack``)."""

    name = "mlp"

    def can_stack(self, spec, data):
        """Without dropout, on the labels of every training event (not weak supervision's mixtures)."""
        return not spec.config["dropout"] and data.loss == "bce"

    def train_stack(self, spec, data, column_sets, seeds, threads=1, progress=True, cuda_graph=False):
        """Every (column set, seed) member built as its cell's seed alone would build it, embedded in
        the full width (:class:`hepml.core.nets.Embedded`), trained as one vectorised stack, and
        extracted again: [[(model, history)] per seed] per column set."""
        from ...core.device import seed_everything, torch_device
        from ...core.ensemble import fit_members
        from ...core.nets import Embedded, extract
        from ...core.training import Recipe

        dev = torch_device(spec.config["device"])
        width = data.x.shape[1]
        members, member_seeds = [], []
        for columns in column_sets:
            x = data.x[:, columns]
            for seed in seeds:
                seed_everything(seed, threads)
                members.append(Embedded(self.build(spec, x), columns, width).to(dev))
                member_seeds.append(seed)
        t = _tensor(dev)
        trained = fit_members(members, member_seeds, t(data.x), t(data.y), t(data.x_val), t(data.y_val),
                              Recipe.from_dict(spec.recipe), val_truth=data.val_truth, progress=progress,
                              desc=f"{spec.kind} x{len(members)}", predict_batch=self.predict_batch,
                              cuda_graph=cuda_graph)
        out = []
        for i, columns in enumerate(column_sets):
            cell = trained[i * len(seeds):(i + 1) * len(seeds)]
            out.append([(extract(model.cpu(), columns, self.build(spec, data.x[:2, columns])).eval(),
                         _history(h, dev, len(members))) for model, h in cell])
        return out

    def build(self, spec, x):
        from ...core.nets import Classifier, input_statistics, mlp, paper_init

        net = mlp(x.shape[1], spec.config["layers"], spec.config["width"], dropout=spec.config["dropout"],
                  activation=spec.config["activation"])
        if spec.recipe["init"] == "paper":
            paper_init(net)
        return Classifier(net, *input_statistics(x))


class CnnKind(NetworkKind):
    """The jet-image CNN (``hepml.jets.cnn.JetCNN``) with a training recipe."""

    name = "cnn"
    predict_batch = 4096

    def build(self, spec, x):
        from ...jets.cnn import JetCNN

        return JetCNN.for_images(x, spec.config)


register(MlpKind())
register(CnnKind())
