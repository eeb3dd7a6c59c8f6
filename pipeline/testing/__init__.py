"""What only tests, benchmarks and tools use: the sample-page renderer (``samples``), the parse evaluator
(``parse_eval``), text metrics (``metrics``) and fault injection for batch tests (``faults``).
Nothing in the product imports from here."""
