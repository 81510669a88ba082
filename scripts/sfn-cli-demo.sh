#!/usr/bin/env bash
# The AWS CLI against the local Step Functions engine (`npm start`, endpoint :4566):
# create a JSONata state machine, list state machines, start an execution that waits on a task
# token, read the token from its history (TaskScheduled carries the resolved parameters), complete
# the callback with send-task-success, and print the final status and history.
#
#   scripts/sfn-cli-demo.sh                       # against http://127.0.0.1:4566
#   AWS_ENDPOINT=http://127.0.0.1:4567 scripts/sfn-cli-demo.sh
#
# Needs the AWS CLI (Debian: apt-get install -y awscli) and node.
set -euo pipefail
ENDPOINT="${AWS_ENDPOINT:-http://127.0.0.1:4566}"
export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-local}" AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-local}" AWS_DEFAULT_REGION=us-east-1
export AWS_PAGER=""
command -v aws >/dev/null || { echo "the AWS CLI is missing: apt-get install -y awscli" >&2; exit 2; }
sfn() { aws --endpoint-url "$ENDPOINT" --output json stepfunctions "$@"; }

NAME="cli-demo-$(date +%s)-$$"
FN="arn:aws:lambda:us-east-1:000000000000:function:jiuzhu-regionsApi"
DEF=$(cat <<JSON
{
  "QueryLanguage": "JSONata",
  "Comment": "CLI demo: a review step that waits for a task token",
  "StartAt": "Prepare",
  "States": {
    "Prepare": { "Type": "Pass", "Assign": { "applicant": "{% \$states.input.applicant %}" }, "Next": "Review" },
    "Review": {
      "Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
      "Arguments": {
        "FunctionName": "$FN",
        "Payload": { "rawPath": "/regions/61", "pathParameters": { "code": "61" }, "token": "{% \$states.context.Task.Token %}" }
      },
      "TimeoutSeconds": 3600,
      "Next": "Decided"
    },
    "Decided": { "Type": "Pass", "Output": { "applicant": "{% \$applicant %}", "decision": "{% \$states.input.decision %}" }, "End": true }
  }
}
JSON
)

SM_ARN=$(sfn create-state-machine --name "$NAME" --definition "$DEF" --role-arn arn:aws:iam::000000000000:role/demo --query stateMachineArn --output text)
echo "created        $SM_ARN"
sfn list-state-machines --query "stateMachines[?name=='$NAME'].stateMachineArn" --output text | grep -q "$SM_ARN"
echo "listed         yes"
EX_ARN=$(sfn start-execution --state-machine-arn "$SM_ARN" --name run-1 --input '{"applicant":"张三"}' --query executionArn --output text)
echo "started        $EX_ARN"

PARAMS=""
for _ in $(seq 1 100); do
  if sfn get-execution-history --execution-arn "$EX_ARN" --query "events[].type" --output text | grep -q TaskSubmitted; then
    PARAMS=$(sfn get-execution-history --execution-arn "$EX_ARN" --query "events[?type=='TaskScheduled'] | [0].taskScheduledEventDetails.parameters" --output text)
    break
  fi
  sleep 0.1
done
[ -n "$PARAMS" ] || { echo "the execution never reached its callback task" >&2; exit 1; }
TOKEN=$(node -e 'process.stdout.write(JSON.parse(process.argv[1]).Payload.token)' "$PARAMS")
echo "token          ${TOKEN:0:24}..."
sfn send-task-success --task-token "$TOKEN" --task-output '{"decision":"approved"}'
echo "callback       sent"

STATUS=RUNNING
for _ in $(seq 1 100); do
  STATUS=$(sfn describe-execution --execution-arn "$EX_ARN" --query status --output text)
  [ "$STATUS" != RUNNING ] && break
  sleep 0.1
done
echo "status         $STATUS"
echo "output         $(sfn describe-execution --execution-arn "$EX_ARN" --query output --output text)"
echo "history        $(sfn get-execution-history --execution-arn "$EX_ARN" --query 'events[].type' --output text | tr '\t' ' ')"
[ "$STATUS" = SUCCEEDED ]
