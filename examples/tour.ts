/**
 * The README's tour, as a program: control channel, signed dynamic update, verified sync and the
 * storage doctor against a throwaway named. The part between the `tour:start` and `tour:end`
 * markers is copied verbatim into README.md (a test keeps the two identical).
 * Run: `node --import tsx examples/tour.ts`.
 */
import { diagnoseZoneStorage, RndcClient, Update, UpdateClient } from '../src/index.js';
import { startNamed } from '../src/testing/index.js';

// In your code these come from your configuration; here, from a throwaway named.
const named = await startNamed();
const { controlPort: port, dnsPort, logFile: log, pid, namedBinary: binary } = named;
const key = named.keys['hmac-sha256'];
const zoneFile = named.zones.find((zone) => zone.name === 'dyn.test')?.path ?? '';

// tour:start
// Control channel: typed replies and typed errors, never exceptions.
const rndc = RndcClient.connect({ port, key, named: { log, pid, binary } });
const status = (await rndc.status()).unwrap();
console.log(`${status.version}: ${status.numberOfZones} zones`);
const zone = await rndc.zonestatus('dyn.test');
console.log(zone.isOk() ? `dyn.test serial ${zone.value.serial}` : zone.error.describe());

// Dynamic update signed with TSIG; the prerequisite makes it conditional.
const updates = new UpdateClient({ server: '127.0.0.1', port: dnsPort, key });
const sent = await updates.send(new Update('dyn.test').absent('api').add('api 300 A 192.0.2.10'));
console.log(sent.isOk() ? sent.value.diskEffect.summary : sent.error.kind); // 'YXDOMAIN'…

// Verified sync: success only once the file on disk holds the serial named serves.
const synced = await rndc.sync('dyn.test', { verify: true });
console.log(synced.isOk() ? synced.value.dump?.summary : synced.error.describe());

// Doctor: why named could not write the zone (mounts, permissions, sticky dirs, NFS…).
const doctor = await diagnoseZoneStorage({ zoneFile, namedPid: pid, namedBinary: binary });
console.log(doctor.isOk() ? `${doctor.value.findings.length} problem(s)` : doctor.error.message);
updates.close();
await rndc.close();
// tour:end

await named.stop();
