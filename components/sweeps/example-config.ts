/** A Weights & Biases sweep config as W&B's docs write them, plus an optional `sweepwatch:` block at the end. */
export const EXAMPLE_WANDB_CONFIG = `# Weights & Biases sweep config: sweepwatch reads it unchanged.
program: train.py
name: branin-bayes
description: Bayesian search over the Branin function
method: bayes
metric:
  name: loss
  goal: minimize
  target: 0.5
run_cap: 40
early_terminate:
  type: hyperband
  min_iter: 3
parameters:
  x1:
    distribution: uniform
    min: -5
    max: 10
  x2:
    distribution: uniform
    min: 0
    max: 15
  optimizer:
    values: ["adam", "sgd"]
  batch_size:
    distribution: q_log_uniform_values
    min: 16
    max: 256
    q: 16
# sweepwatch-only settings: W&B rejects unknown keys, so drop this block before \`wandb sweep\`
sweepwatch:
  parallel: 4
  failed_budget: 5
`;
