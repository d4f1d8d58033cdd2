"""Sensor: read-only readings published every 60 s, a deterministic bounded random walk."""

from __future__ import annotations

from devices.categories.sensor import Sensor
from hub.protocol import ErrorCode


async def test_readings_are_published_every_minute(sim):
    sensor = await sim.make(Sensor)
    reports = sim.record(sensor)
    await sim.advance(59)
    assert reports.reports == []
    await sim.advance(1)
    assert len(reports.reports) == 1
    props, cause = reports.reports[0]
    assert cause == "sensor"
    assert set(props) <= {"temperature", "humidity", "pm2.5"} and props
    await sim.advance(10 * 60)
    assert len(reports.reports) == 11


async def test_readings_are_deterministic_per_device_id(sim):
    a = await sim.make(Sensor, "sensor-a")
    again = await sim.make(Sensor, "sensor-a")
    other = await sim.make(Sensor, "sensor-b")
    a_reports, again_reports, other_reports = sim.record(a), sim.record(again), sim.record(other)
    await sim.advance(30 * 60)
    assert a_reports.reports == again_reports.reports
    assert a_reports.values("temperature") != other_reports.values("temperature")


async def test_readings_stay_within_realistic_bounds(sim):
    sensor = await sim.make(Sensor, temperature=22.0, humidity=50.0, **{"pm2.5": 40})
    reports = sim.record(sensor)
    await sim.advance(24 * 60 * 60)
    temperatures = reports.values("temperature")
    humidities = reports.values("humidity")
    pm = reports.values("pm2.5")
    assert all(19.0 <= t <= 25.0 for t in temperatures)
    assert all(40.0 <= h <= 60.0 for h in humidities)
    assert all(isinstance(p, int) and 10 <= p <= 70 for p in pm)
    assert len(set(temperatures)) > 10  # it does wander


async def test_readings_are_read_only(sim):
    sensor = await sim.make(Sensor)
    assert sensor.actions() == ["Query", "QueryTemperature", "QueryHumidity", "QueryPM25", "Reset"]
    for action in ("SetTemperature", "TurnOn", "SetHumidity"):
        assert sim.error(await sim.control(sensor, action, 20)) == ErrorCode.DEVICE_NOT_SUPPORT_FUNCTION
    assert sim.ok(await sim.query(sensor, "QueryPM25")) == {"pm2.5": 35}
    assert sim.ok(await sim.query(sensor, "QueryTemperature")) == {"temperature": 24.0}


async def test_reset_replays_the_same_readings(sim):
    sensor = await sim.make(Sensor)
    reports = sim.record(sensor)
    await sim.advance(5 * 60)
    first = list(reports.reports)
    sim.ok(await sim.control(sensor, "Reset"))
    assert sensor.state == sensor.initial_state
    reports.reports.clear()
    await sim.advance(5 * 60)
    assert reports.reports == first
