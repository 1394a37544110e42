"""``files.getUploadURLExternal``, the upload URL itself, and ``files.completeUploadExternal``:
the three steps of slack-sdk's ``files_upload_v2``, with the ids and shapes Slack uses."""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterator
from typing import Any


class FilesAPI:
    _file_ids: Iterator[int]

    @property
    def url(self) -> str:
        """The stand-in's address (FakeSlack's own property takes precedence)."""
        raise NotImplementedError

    def _init_files(self) -> None:
        self._file_ids = itertools.count(1)
        self._files_lock = threading.Lock()
        self.uploads: dict[str, bytes] = {}  # file id -> the bytes sent to its upload URL
        self.completed: dict[str, dict[str, Any]] = {}  # file id -> its file object

    def files_get_upload_url(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        if not params.get("filename") or not str(params.get("length", "")).isdigit():
            return {"ok": False, "error": "invalid_arguments"}
        file_id = f"F{next(self._file_ids):09d}"
        return {"ok": True, "upload_url": f"{self.url}/upload/{file_id}", "file_id": file_id}

    def receive_upload(self, file_id: str, body: bytes) -> None:
        with self._files_lock:
            self.uploads[file_id] = body

    def files_complete_upload(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        files = params.get("files")
        files = json.loads(files) if isinstance(files, str) else files
        if not isinstance(files, list) or not files:
            return {"ok": False, "error": "invalid_arguments"}
        answered = []
        for entry in files:
            file_id = entry.get("id") if isinstance(entry, dict) else None
            with self._files_lock:
                if file_id not in self.uploads:
                    return {"ok": False, "error": "file_not_found"}
                file = {
                    "id": file_id,
                    "title": entry.get("title") or "",
                    "mimetype": "image/png",
                    "filetype": "png",
                    "size": len(self.uploads[file_id]),
                    "url_private": f"{self.url}/files-pri/{file_id}",
                    "permalink": f"{self.url}/files/{file_id}",
                    "channels": [params["channel_id"]] if params.get("channel_id") else [],
                }
                self.completed[file_id] = file
            answered.append(file)
        return {"ok": True, "files": answered}


ROUTES = {
    "files.getUploadURLExternal": FilesAPI.files_get_upload_url,
    "files.completeUploadExternal": FilesAPI.files_complete_upload,
}
