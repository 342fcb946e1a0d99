"""The one pipeline every study runs: inputs -> train (every seed of a cell) -> scores -> metrics
-> tables and plots; which cells each study has; every model kind behind one interface."""
