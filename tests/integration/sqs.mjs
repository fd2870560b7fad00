// A small SQS command line on the AWS SDK for JavaScript v3, the independent SQS client of the
// integration tests (the aws CLI in Debian 12 speaks SQS's older query protocol, which the local
// server does not). Credentials and region come from the environment.
//   node sqs.mjs ENDPOINT create-queue NAME [VISIBILITY]   -> queue URL
//   node sqs.mjs ENDPOINT queue-arn URL                    -> queue ARN
//   node sqs.mjs ENDPOINT send URL BODY                    -> message id
//   node sqs.mjs ENDPOINT depth URL                        -> visible + in flight
//   node sqs.mjs ENDPOINT receive URL                      -> message bodies, one JSON string a line
import {
  CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";

const [endpoint, cmd, ...args] = process.argv.slice(2);
const sqs = new SQSClient({ endpoint, region: process.env.AWS_REGION || "us-east-1" });
try {
  if (cmd === "create-queue") {
    const attrs = args[1] ? { VisibilityTimeout: args[1] } : {};
    const r = await sqs.send(new CreateQueueCommand({ QueueName: args[0], Attributes: attrs }));
    console.log(r.QueueUrl);
  } else if (cmd === "queue-arn") {
    const r = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: args[0], AttributeNames: ["QueueArn"] }));
    console.log(r.Attributes.QueueArn);
  } else if (cmd === "send") {
    const r = await sqs.send(new SendMessageCommand({ QueueUrl: args[0], MessageBody: args[1] }));
    console.log(r.MessageId);
  } else if (cmd === "depth") {
    const r = await sqs.send(new GetQueueAttributesCommand({
      QueueUrl: args[0],
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }));
    console.log(Number(r.Attributes.ApproximateNumberOfMessages) +
                Number(r.Attributes.ApproximateNumberOfMessagesNotVisible));
  } else if (cmd === "receive") {
    const r = await sqs.send(new ReceiveMessageCommand({
      QueueUrl: args[0], MaxNumberOfMessages: 10, WaitTimeSeconds: 1,
    }));
    for (const m of r.Messages || []) console.log(JSON.stringify(m.Body));
  } else {
    console.error("usage: node sqs.mjs ENDPOINT create-queue|queue-arn|send|depth|receive ...");
    process.exit(2);
  }
} catch (e) {
  console.error(`sqs ${cmd}: ${e.name}: ${e.message}`);
  process.exit(1);
}
