"""Help for editors: next year's draft (``new``), the generated parts of the guide, the JSON Schema."""
