// Stands in for ssh2 in the agent bundle (scripts/build-agent.mjs): Docker over SSH is not supported there.
class Client {
  constructor() {
    throw new Error("the Berth agent does not reach Docker over SSH; use a unix socket or tcp DOCKER_HOST");
  }
}
module.exports = { Client };
