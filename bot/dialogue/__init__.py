"""The conversation over the engine: state, turns and the message contract. No Rasa imports."""
