"""The integration API's shared machinery: token authentication, scoping permissions, the error handler."""
