"""What a budget shows, computed from its leaves: the 类/款/项 trees, tables 1–13, the page context, the phrases."""
