"""A loopback stand-in for OpenAI's files and fine-tuning endpoints that records what `deliberate handoff openai`
sends, and the official openai package's types that check it. Thin: the replies are built and dumped with the SDK's
own response models (FileObject, FineTuningJob), the recorded bodies validated with its request types.

  openai_recorder.py serve PORT_FILE RECORD_DIR   serves on a free loopback port (written to PORT_FILE); every
                                                  request becomes RECORD_DIR/NNN-METHOD.json; jobs succeed at once
  openai_recorder.py check RECORD_DIR             validates the recorded uploads (each line's messages as
                                                  ChatCompletionMessageParam) and job bodies (JobCreateParams, the
                                                  grader as ScoreModelGrader); exits 1 on a mismatch
"""

import email.parser
import email.policy
import itertools
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from openai.types import FileObject
from openai.types.fine_tuning import FineTuningJob

counter = itertools.count(1)


def job(job_id, body):
    return FineTuningJob.model_construct(
        id=job_id, object="fine_tuning.job", created_at=int(time.time()), finished_at=int(time.time()),
        model=body.get("model", ""), fine_tuned_model=f"ft:{body.get('model', '')}:deliberate:{job_id}",
        organization_id="org-interop", result_files=[], seed=0, status="succeeded", trained_tokens=1,
        training_file=body.get("training_file", ""), validation_file=None, error=None,
        hyperparameters={"n_epochs": 1, "batch_size": 1, "learning_rate_multiplier": 1.0},
        method=body.get("method"))


class Recorder(BaseHTTPRequestHandler):
    # HTTP/1.1 keep-alive, as OpenAI's servers and the Java SDK's OkHttp client expect (with 1.0 it hit closed pipes).
    protocol_version = "HTTP/1.1"
    jobs = {}

    def log_message(self, *args):
        pass

    def record(self, entry):
        path = os.path.join(self.server.record_dir, f"{next(counter):03d}-{self.command}.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(entry, f)

    def reply(self, payload):
        data = payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() != "chunked":
            return self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = b""
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip(), 16)
            if size == 0:
                self.rfile.readline()
                return body
            body += self.rfile.read(size)
            self.rfile.readline()

    def do_POST(self):
        body = self.read_body()
        if self.path.endswith("/files"):
            message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
                b"Content-Type: " + self.headers["Content-Type"].encode() + b"\r\n\r\n" + body)
            parts = {p.get_param("name", header="content-disposition"): p for p in message.iter_parts()}
            content = parts["file"].get_payload(decode=True).decode("utf-8")
            purpose = parts["purpose"].get_payload(decode=True).decode("utf-8")
            filename = parts["file"].get_filename()
            self.record({"path": self.path, "purpose": purpose, "filename": filename, "content": content})
            file_id = f"file-interop{len(os.listdir(self.server.record_dir))}"
            self.reply(FileObject(id=file_id, object="file", bytes=len(content.encode()), created_at=int(time.time()),
                                  filename=filename, purpose=purpose, status="processed").model_dump_json())
        elif self.path.endswith("/fine_tuning/jobs"):
            request = json.loads(body)
            self.record({"path": self.path, "body": request})
            job_id = f"ftjob-interop{len(os.listdir(self.server.record_dir))}"
            Recorder.jobs[job_id] = request
            self.reply(job(job_id, request).model_dump_json())
        else:
            self.send_error(404)

    def do_GET(self):
        job_id = self.path.rstrip("/").rsplit("/", 1)[-1]
        self.record({"path": self.path})
        if job_id in Recorder.jobs:
            self.reply(job(job_id, Recorder.jobs[job_id]).model_dump_json())
        else:
            self.send_error(404)


def serve(port_file, record_dir):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    server.record_dir = record_dir
    with open(port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.replace(port_file + ".tmp", port_file)
    server.serve_forever()


def check(record_dir):
    from pydantic import TypeAdapter
    from openai.types.chat import ChatCompletionMessageParam
    from openai.types.fine_tuning import JobCreateParams
    from openai.types.graders import ScoreModelGrader
    messages_type = TypeAdapter(list[ChatCompletionMessageParam])
    job_type = TypeAdapter(JobCreateParams)
    failed = []
    entries = [json.load(open(os.path.join(record_dir, name))) for name in sorted(os.listdir(record_dir))]
    uploads = [e for e in entries if "content" in e]
    jobs = [e["body"] for e in entries if "body" in e]
    for upload in uploads:
        lines = [json.loads(line) for line in upload["content"].splitlines() if line.strip()]
        for i, line in enumerate(lines):
            try:
                messages_type.validate_python(line["messages"])
            except Exception as e:
                failed.append(f"{upload['filename']}:{i + 1}: messages: {str(e).splitlines()[0]}")
        print(f"openai: upload {upload['filename']} (purpose {upload['purpose']}): {len(lines)} lines checked as "
              "lists of ChatCompletionMessageParam")
        if upload["purpose"] != "fine-tune":
            failed.append(f"{upload['filename']}: purpose {upload['purpose']!r}, expected 'fine-tune'")
    for body in jobs:
        try:
            job_type.validate_python(body)
            method = body["method"]
            if method["type"] == "reinforcement":
                grader = ScoreModelGrader.model_validate(method["reinforcement"]["grader"])
                print(f"openai: grader {grader.name!r} ({grader.model}, {len(grader.input)} inputs, range "
                      f"{grader.range}) valid as ScoreModelGrader")
            print(f"openai: {method['type']} job on {body['model']} valid as JobCreateParams")
        except Exception as e:
            failed.append(f"job {body.get('model')}: {str(e).splitlines()[0]}")
    kinds = sorted(b["method"]["type"] for b in jobs)
    if kinds != ["reinforcement", "supervised"] or len(uploads) != 2:
        failed.append(f"recorded {len(uploads)} uploads and jobs {kinds}, expected 2 uploads, a supervised and a "
                      "reinforcement job")
    for line in failed:
        print(f"openai: MISMATCH: {line}")
    return not failed


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    if command == "serve":
        serve(*args)
    else:
        sys.exit(0 if check(*args) else 1)
