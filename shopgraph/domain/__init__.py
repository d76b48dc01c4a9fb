"""The domain, shared by every door: what a shop is made of, one package per part.

Domain functions take the session first, raise `DomainError`s and never commit: the door owns the unit of work.
"""
