/**
 * The floor under any control-channel client written for Node, for bench/cli.bench.ts: loads
 * what every such client must (node:crypto with one HMAC-SHA256, node:net, node:fs), reads the
 * rndc.conf it is given, opens a TCP connection to the control port and closes it. No parsing,
 * no protocol: `rndc-js status` minus this is the cost of the tool itself.
 * Usage: node bench/cli-floor.cjs RNDC_CONF PORT
 */
'use strict';
const { createHmac } = require('node:crypto');
const { readFileSync } = require('node:fs');
const { connect } = require('node:net');

const text = readFileSync(process.argv[2], 'utf8');
createHmac('sha256', Buffer.from(text)).update('floor').digest();
const socket = connect(Number(process.argv[3]), '127.0.0.1', () => socket.end());
socket.on('error', (error) => {
  console.error(error.message);
  process.exitCode = 1;
});
