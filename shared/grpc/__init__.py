"""The gRPC kit every service uses: server bootstrap (health, reflection), domain-error ->
status mapping with rich details, and correlation ids carried in metadata."""
