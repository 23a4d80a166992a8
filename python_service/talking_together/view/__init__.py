"""`talking-together view`: a local three.js page of the live room (or a recording), fed over a WebSocket by a Subscribe client."""
