"""The template of a deployed CloudFormation stack, read with the caller's usual AWS
credentials (environment, profile, SSO or instance role, as boto3 finds them)."""

from __future__ import annotations

import json


class StackError(Exception):
    """The stack's template cannot be read; the message says why, for the user."""


def stack_template(name: str, region: str | None = None) -> str:
    """The template the stack was created or last updated with, as written (``Original``:
    SAM templates keep their events and globals, and lines match the file)."""
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, NoRegionError

    where = f" in {region}" if region else ""
    try:
        client = boto3.session.Session(region_name=region).client("cloudformation")
        body = client.get_template(StackName=name, TemplateStage="Original")["TemplateBody"]
    except NoCredentialsError:
        raise StackError("no AWS credentials found; set AWS_PROFILE or AWS_ACCESS_KEY_ID and "
                         "AWS_SECRET_ACCESS_KEY, or sign in with `aws sso login`") from None
    except NoRegionError:
        raise StackError("no AWS region set; pass --region or set AWS_REGION") from None
    except ClientError as exc:
        # A missing stack is a ValidationError whose message says so ("Stack with id ... does not exist").
        error = exc.response.get("Error", {})
        raise StackError(f"stack {name}{where}: {error.get('Message') or error.get('Code') or exc}") from None
    except BotoCoreError as exc:
        raise StackError(f"stack {name}{where}: {exc}") from None
    # boto3 hands JSON templates back already decoded.
    return body if isinstance(body, str) else json.dumps(body, indent=2)
