"""The directory is answered in parts that each fit the broker's packet limit, whatever the fleet's size."""

from __future__ import annotations

from hub.protocol import ListDevicesResponse, decode, encode
from hub.protocol.codec import MAX_PAYLOAD_BYTES
from hub.protocol.description import Names
from hub.protocol.messages import DirectoryPayload, HubRequest, reply_header
from hub.protocol.views import DeviceView
from hub.requests import directory_pages


def _view(i: int) -> DeviceView:
    return DeviceView(id=f"device-{i:05d}", names=Names(zh=[f"设备{i}"], en=[f"device {i} with a long name"],
                                                        fr=[f"appareil {i}"]),
                      room="living", room_names=Names(zh=["客厅"], en=["living room"], fr=["salon"]),
                      brand="Yeelight", model="YLDP13YL", category="light", online=True,
                      state={"powerstate": "on", "brightness": 50, "color": "#FFFFFF", "colorTemperature": 4000})


def test_three_thousand_devices_are_sent_in_parts_each_under_the_payload_limit_none_lost() -> None:
    views = [_view(i) for i in range(3000)]
    assert len(encode(ListDevicesResponse(header=reply_header(HubRequest.create("ListDevices", "c")),
                                          payload=DirectoryPayload(devices=views)))) > MAX_PAYLOAD_BYTES
    header = reply_header(HubRequest.create("ListDevices", "c"))
    pages = [encode(p) for p in directory_pages(header, views)]
    assert len(pages) > 1
    assert all(len(p) <= MAX_PAYLOAD_BYTES for p in pages)
    read = [decode(p, ListDevicesResponse) for p in pages]
    assert [r.payload.part for r in read] == list(range(1, len(pages) + 1))
    assert {r.payload.parts for r in read} == {len(pages)}
    assert {r.header.message_id for r in read} == {header.message_id}
    assert [v.id for r in read for v in r.payload.devices] == [v.id for v in views]


def test_a_small_directory_is_one_message_as_before() -> None:
    header = reply_header(HubRequest.create("ListDevices", "c"))
    (page,) = directory_pages(header, [_view(1), _view(2)])
    wire = encode(page)
    assert b'"part"' not in wire and b'"parts"' not in wire  # as an older client reads it
    assert decode(wire, ListDevicesResponse).payload.parts is None


def test_an_empty_directory_is_one_empty_message() -> None:
    (page,) = directory_pages(reply_header(HubRequest.create("ListDevices", "c")), [])
    assert page.payload.devices == [] and page.payload.parts is None
