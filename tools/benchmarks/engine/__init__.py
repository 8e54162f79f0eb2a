"""The one experiment engine behind tools/benchmarks: configs shortened to a
budget and keyed by their full resolved config, training runs that resume,
stages that are read back, progress with an ETA, and reports (tables, JSON,
charts) that tools/benchmarks/render_docs.py turns into the docs' tables.

Each benchmark script (compare_ssl, transfer_det, transfer_seg, psnr_vs_c,
ae_ablation) defines only its stages and its table."""
from .configs import (CONFIG_LOCK, DATASET_CONFIGS, PRETRAIN_CONFIGS,
                      PRETRAIN_METHODS, RECOMMENDED, REPO,
                      checkpoint_normalisation, config_digest, json_digest, mask_generator_step,
                      parse_ckpts, pretrain_config, pretrain_methods,
                      shared_normalisation, short_pretrain_config,
                      shorten_schedule)
from .report import (bar_chart, fmt, markdown_table, mean_std, paired_delta,
                     run_meta, table, table_markdown, write_report)
from .runs import (cancel_on_failure, read_scalars, run_logged, start_worker,
                   short_pretrain, test_pipeline_images, train_and_test,
                   train_in_subprocess, usable_cores)
from .stages import Progress, config_stage, log, stage

__all__ = [
    'CONFIG_LOCK', 'DATASET_CONFIGS', 'PRETRAIN_CONFIGS', 'PRETRAIN_METHODS',
    'RECOMMENDED', 'REPO', 'Progress', 'bar_chart', 'cancel_on_failure',
    'checkpoint_normalisation', 'config_digest', 'config_stage', 'fmt',
    'json_digest', 'log', 'markdown_table', 'mask_generator_step',
    'mean_std', 'paired_delta', 'parse_ckpts', 'pretrain_config',
    'pretrain_methods', 'read_scalars', 'run_logged', 'run_meta',
    'start_worker', 'shared_normalisation', 'short_pretrain',
    'short_pretrain_config', 'shorten_schedule', 'stage', 'table',
    'table_markdown', 'test_pipeline_images', 'train_and_test',
    'train_in_subprocess', 'usable_cores', 'write_report'
]
