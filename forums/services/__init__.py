"""Writes to the forum, one module per concept: `threads`, `posts`, `categories`,
`moderation` (forum settings and posting bans) and `merge` (merging and splitting threads),
with `publishing` holding what every new post goes through.

Each function checks with `forums.permissions`, then changes rows in one transaction.
Problems the person can act on are raised as `ValidationError`. Import the concept module
you need (`from forums.services import threads as thread_services`): this package
re-exports nothing.
"""
