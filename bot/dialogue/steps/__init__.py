"""The dialogue's steps, one module per stage (routing covers idle, choosing and confirming;
form covers filling and reviewing; rating covers rating and comment) plus `anywhere` for the
steps that mean the same in every stage. Steps call each other only through these public
functions; bot/dialogue/table.py says which step answers which message in which stage."""
