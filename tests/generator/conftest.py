import os
import sys
from pathlib import Path

# The generator tests run without Django and talk to no AWS account.
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
sys.path.insert(0, str(Path(__file__).resolve().parent))
