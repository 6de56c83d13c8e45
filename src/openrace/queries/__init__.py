"""Read-side queries over the store: what it holds, listed for people and programs."""
