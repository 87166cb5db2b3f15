"""Events, robots and deliveries: the notices' rows, each consistent on its own."""

import factory

from tasks.models import Channel, Delivery, Event, EventKind, Robot
from tests.factories import CityFactory, OfficeUserFactory


class RobotFactory(factory.django.DjangoModelFactory):
    """An office's 钉钉 robot with 加签, posting every kind of event."""

    class Meta:
        model = Robot

    platform = Channel.DINGTALK
    name = factory.Sequence(lambda n: f"医改办工作群{n}")
    webhook_url = "https://oapi.dingtalk.com/robot/send?access_token=abc123"
    secret = "SECtest-secret-0123456789abcdef"
    region = factory.SubFactory(CityFactory)
    department = None
    created_by = factory.SubFactory(OfficeUserFactory, region=factory.SelfAttribute("..region"))


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    kind = EventKind.TASK_VERIFIED
    title = "已销号：全面推进DRG/DIP支付方式改革。"
    body = "市医改办已核验该任务完成。"
    url = "/tasks/1/"
    region = factory.SubFactory(CityFactory)


class DeliveryFactory(factory.django.DjangoModelFactory):
    """A robot's post of an event of the robot's region, queued."""

    class Meta:
        model = Delivery

    event = factory.SubFactory(EventFactory, region=factory.SelfAttribute("..robot.region"))
    robot = factory.SubFactory(RobotFactory)
    channel = factory.SelfAttribute("robot.platform")
    label = factory.SelfAttribute("robot.name")
