"""The archive's build library: plain functions over the content model, no MkDocs required."""
