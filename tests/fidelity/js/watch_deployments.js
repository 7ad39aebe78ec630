// Subscribe to a Marathon event bus with marathon-event-bus-client (npm), print the first
// deployment_success it hands over as one JSON line, then exit. Usage: node watch_deployments.js PORT
"use strict";
const MarathonEventBusClient = require("marathon-event-bus-client");
const client = new MarathonEventBusClient({
  marathonHost: "127.0.0.1",
  marathonPort: process.argv[2],
  eventTypes: ["deployment_success"],
  handlers: {
    deployment_success: function (name, data) {
      console.log(JSON.stringify({ name: name, data: data }));
      process.exit(0);
    },
  },
});
client.on("subscribed", function () { console.log(JSON.stringify({ name: "subscribed" })); });
client.subscribe();
setTimeout(function () { process.exit(3); }, Number(process.argv[3] || 8000));
