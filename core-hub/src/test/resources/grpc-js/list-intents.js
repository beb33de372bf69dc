// Lists the hub's intents with grpc-js: node list-intents.js HOST:PORT CA_FILE TOKEN|- PROTO_DIR
// Prints the response as JSON, or "ERR <code> <details>" and exits 2.
const fs = require('fs');
const grpc = require('@grpc/grpc-js');
const loader = require('@grpc/proto-loader');

const [target, caFile, token, protoDir] = process.argv.slice(2);
const definition = loader.loadSync('cascade/v1/fleet_service.proto',
    { includeDirs: [protoDir], longs: String, enums: String, defaults: true, oneofs: true });
const cascade = grpc.loadPackageDefinition(definition).cascade.v1;
let credentials = grpc.credentials.createSsl(fs.readFileSync(caFile));
if (token !== '-') {
  credentials = grpc.credentials.combineChannelCredentials(credentials,
      grpc.credentials.createFromMetadataGenerator((_, callback) => {
        const metadata = new grpc.Metadata();
        metadata.add('authorization', 'Bearer ' + token);
        callback(null, metadata);
      }));
}
const client = new cascade.FleetService(target, credentials);
client.listIntents({}, { deadline: Date.now() + 10000 }, (err, response) => {
  if (err) {
    console.log('ERR ' + err.code + ' ' + err.details);
    process.exit(2);
  }
  console.log(JSON.stringify(response));
  process.exit(0);
});
