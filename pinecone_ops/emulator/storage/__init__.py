"""How records are held and selected, for every plane: one namespace's store and the filter language."""
