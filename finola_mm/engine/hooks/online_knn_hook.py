"""Online kNN top-1 of the encoder during pretraining (as solo-learn's)."""
import time
from typing import Optional

import torch
from mmengine.dataset import default_collate
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmpretrain.registry import DATASETS, HOOKS
from finola_mm.evaluation.knn import extract_features, knn_accuracy


@HOOKS.register_module()
class OnlineKNNHook(Hook):
    """Scores weighted kNN top-1 (k=20, T=0.07, as ``knn_eval``) of the
    pretraining backbone every ``interval`` iterations and logs it as the
    scalar ``knn/top1`` beside the loss.

    The memory bank is the fixed class-balanced ``online_bank`` split of
    the training images and the queries the ``val_query`` split of the
    validation images (``finola_mm.datasets.splits``; the test images are
    never read), each cut to its first ``num_bank`` / ``num_query``
    images (still class-balanced: splits are stored round-robin over
    classes), through the config's ``test_pipeline`` (no masks, no flips),
    read once before training. With unlabelled data (an ``ImageFolder``
    with ``with_label=False``, e.g. your own images) it logs one warning
    and scores nothing. The backbone runs its plain forward
    (``mask=None``) in eval mode under ``no_grad``, and the global RNG
    state is restored after, so training is bit-for-bit the same with the
    hook as without it.

    Args:
        interval (int): iterations between scores (and after the last).
        num_bank (int): labelled training images in the memory bank.
        num_query (int): validation images scored.
        dataset (dict, optional): the labelled dataset config (a type with
            a ``split`` argument); its ``split``, ``indices`` and
            ``pipeline`` are set here. Defaults to the training
            dataloader's dataset.
        bank_split (str), query_split (str): the splits read.
        batch_size (int): images per forward pass.
        k (int), temperature (float): kNN voting.
    """

    priority = 'LOW'  # after the optimizer step and IterTimerHook

    def __init__(self, interval: int = 500, num_bank: int = 2000,
                 num_query: int = 1000, dataset: Optional[dict] = None,
                 batch_size: int = 250, k: int = 20,
                 temperature: float = 0.07, bank_split: str = 'online_bank',
                 query_split: str = 'val_query') -> None:
        if interval < 1 or num_bank < k or num_query < 1:
            raise ValueError(
                f'OnlineKNNHook needs interval >= 1, num_bank >= k and '
                f'num_query >= 1; got interval={interval}, '
                f'num_bank={num_bank}, k={k}, num_query={num_query}.')
        self.interval, self.num_bank, self.num_query = (interval, num_bank,
                                                        num_query)
        self.dataset, self.batch_size = dataset, batch_size
        self.k, self.temperature = k, temperature
        self.bank_split, self.query_split = bank_split, query_split
        self.enabled = True

    def _labelled_batches(self, runner, split: str, num: int) -> list:
        pipeline = runner.cfg.get('test_pipeline')
        base = dict(self.dataset or runner.cfg.train_dataloader.dataset)
        base.pop('test_mode', None)
        if pipeline is None:
            raise ValueError(
                'OnlineKNNHook reads images through the config\'s '
                '`test_pipeline` (resize + pack, no masks); define one, as '
                'configs/_base_/datasets/fashion_mnist_32px.py does, or '
                'drop the hook from custom_hooks.')
        dataset = DATASETS.build(dict(base, split=split, indices=num,
                                      pipeline=pipeline))
        # no DataLoader: its iterator would draw from the global RNG
        return [default_collate([dataset[i] for i in range(
            start, min(start + self.batch_size, len(dataset)))])
            for start in range(0, len(dataset), self.batch_size)]

    def before_train(self, runner) -> None:
        base = self.dataset or runner.cfg.train_dataloader.dataset
        if base.get('type') == 'ImageFolder' and not base.get('with_label'):
            self.enabled = False
            runner.logger.warning(
                'OnlineKNNHook: the training images are unlabelled '
                '(ImageFolder with_label=False), so there is no online kNN '
                'score. Give class subfolders, with_label=True and a '
                'splits.json (tools/data/make_splits.py) to get one.')
            return
        self.bank = self._labelled_batches(runner, self.bank_split,
                                           self.num_bank)
        self.query = self._labelled_batches(runner, self.query_split,
                                            self.num_query)

    @staticmethod
    def _features(model, batches: list) -> tuple:
        return extract_features(
            model, batches, num_extra_tokens=getattr(
                model.backbone, 'num_extra_tokens', 0),
            forward=lambda backbone, inputs: backbone(inputs, None))

    def score(self, runner) -> dict:
        model = runner.model.module if is_model_wrapper(runner.model) \
            else runner.model
        start, training = time.perf_counter(), model.training
        with torch.random.fork_rng(devices=[]):
            model.eval()
            try:
                result = knn_accuracy(*self._features(model, self.bank),
                                      *self._features(model, self.query),
                                      k=self.k, temperature=self.temperature)
            finally:
                model.train(training)
        result['knn/seconds'] = time.perf_counter() - start
        return result

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs=None) -> None:
        if not self.enabled or not (
                self.every_n_train_iters(runner, self.interval)
                or self.is_last_train_iter(runner)):
            return
        result = self.score(runner)
        runner.visualizer.add_scalars(
            {'knn/top1': result['knn/top1'],
             'knn/seconds': result['knn/seconds']}, step=runner.iter + 1)
        runner.logger.info(
            f'Iter(train) [{runner.iter + 1}] online kNN top-1 '
            f'{result["knn/top1"]:.2f} ({count(self.bank)} '
            f'{self.bank_split} / {count(self.query)} {self.query_split}'
            f' images, {result["knn/seconds"]:.1f} s)')


def count(batches: list) -> int:
    return sum(len(b['data_samples']) for b in batches)
