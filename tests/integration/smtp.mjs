// A real SMTP server (smtp-server from the npm registry) for the email output's test: accepts
// any sender and recipient, and appends each message, with its envelope, as one JSON line.
//   node smtp.mjs PORT OUTFILE
import { appendFileSync } from "node:fs";
import { SMTPServer } from "smtp-server";

const [port, outfile] = process.argv.slice(2);
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  onData(stream, session, callback) {
    let data = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk) => { data += chunk; });
    stream.on("end", () => {
      appendFileSync(outfile, JSON.stringify({
        from: session.envelope.mailFrom.address,
        to: session.envelope.rcptTo.map((r) => r.address),
        data,
      }) + "\n");
      callback();
    });
  },
});
server.listen(Number(port), "127.0.0.1");
