"""Relations the fixture app does not have: several FKs to one model, a to_field FK, a hidden
reverse accessor, a self-referential M2M and an explicit through model. Only _meta is used."""
from django.db import models


class Person(models.Model):
    code = models.CharField(max_length=10, unique=True)
    friends = models.ManyToManyField("self")


class Team(models.Model):
    members = models.ManyToManyField(Person, through="Membership", related_name="teams")


class Membership(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE)
    team = models.ForeignKey(Team, on_delete=models.CASCADE)


class Ticket(models.Model):
    opened_by = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="opened")
    closed_by = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="closed", null=True)
    by_code = models.ForeignKey(Person, on_delete=models.CASCADE, to_field="code", related_name="+", null=True)
