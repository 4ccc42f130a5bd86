"""Chinese text handling shared by the NLU pipeline and the engine."""
