"""The HIGGS and SUSY benchmarks of Baldi, Sadowski, Whiteson (2014): the UCI columns and reader,
the offline generation and its validation, the paper's numbers and the benchmark tables."""
