"""Document kinds with rules of their own; each module registers its loader with
`packbuilder.documents.register`."""
