"""What every stage shares: money, problems and the slug catalogue, the model, the vocabulary, totals, the code
registry and the profiles.

Pure data, arithmetic and text escaping; nothing here imports another stage.
"""
