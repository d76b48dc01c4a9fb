"""What an operator sees of a running shopgraph: request logs, metrics and the redaction that keeps secrets out."""
